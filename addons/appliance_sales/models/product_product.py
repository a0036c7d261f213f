import difflib

from odoo import api, models
from odoo.fields import Domain

from ..utils import normalize_model_code


class ProductProduct(models.Model):
    _inherit = "product.product"

    # ------------------------------------------------------------
    # SEARCH
    # ------------------------------------------------------------

    @api.model
    def _search_display_name(self, operator, value):
        domain = super()._search_display_name(operator, value)
        return self.env["product.template"]._appliance_widen_display_domain(
            domain, operator, value
        )

    @api.model
    def name_search(self, name="", domain=None, operator="ilike", limit=100):
        """Model codes in any common form come first: ``ggd2 38`` finds GGD2-38."""
        result = super().name_search(name, domain, operator, limit)
        return self.env["product.template"]._appliance_code_name_search(
            self, name, domain, operator, limit, result
        )

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _appliance_match_model_code(self, code, partner=None, company=None):
        """Resolve a typed model code to products.

        :returns: ``(products, suggestions)``: the sellable products whose model
            code — or, for ``partner``, whose customer code — normalises like
            ``code`` (one = a match, several = ambiguous, none = unknown), and
            when nothing matches, up to 5 near-miss products to suggest.
        """
        key = normalize_model_code(code)
        empty = self.browse()
        if not key:
            return empty, empty
        company = company or self.env.company
        base = Domain("sale_ok", "=", True) & Domain(
            self._check_company_domain(company)
        )
        Template = self.env["product.template"]
        if partner:
            alias_domain = Domain(
                "appliance_alias_ids",
                "any",
                [
                    ("partner_id", "=", partner.commercial_partner_id.id),
                    ("key", "=", key),
                ],
            )
            products = self.search(
                base & Domain("product_tmpl_id", "any", alias_domain)
            )
            if products:
                return products, empty
        products = self.search(
            base
            & Domain(
                "product_tmpl_id",
                "any",
                Template._appliance_code_domain(key, exact=True),
            )
        )
        if products:
            return products, empty
        return empty, self._appliance_near_misses(key, base, company)

    @api.model
    def _appliance_near_misses(self, key, domain, company, limit=5):
        """Products whose model key starts with ``key`` or is close to it."""
        Template = self.env["product.template"]
        groups = Template._read_group(
            Domain(Template._check_company_domain(company))
            & Domain("sale_ok", "=", True)
            & Domain("appliance_model_key", "!=", False),
            ["appliance_model_key"],
        )
        keys = [k for (k,) in groups]
        close = [k for k in keys if k.startswith(key)][:limit]
        close += [
            k
            for k in difflib.get_close_matches(key, keys, n=limit, cutoff=0.6)
            if k not in close
        ]
        if not close:
            return self.browse()
        products = self.search(
            Domain(domain) & Domain("appliance_model_key", "in", close[:limit])
        )
        rank = {k: i for i, k in enumerate(close)}
        return products.sorted(lambda p: rank[p.appliance_model_key])

    def get_product_multiline_description_sale(self):
        # the order line shows the standard name and the key specs of a set
        description = super().get_product_multiline_description_sale()
        if self.appliance_kind and (summary := self.appliance_spec_summary):
            description += "\n" + summary
        return description
