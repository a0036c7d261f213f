import difflib
from collections import defaultdict

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
    def _appliance_sale_domain(self, company):
        """Products that may be sold in ``company``."""
        return Domain("sale_ok", "=", True) & Domain(
            self._check_company_domain(company)
        )

    @api.model
    def _appliance_match_model_codes(self, requests, company=None):
        """Resolve many typed model codes at once, in three queries.

        :param requests: ``(code, partner)`` pairs; ``partner`` may be empty.
        :returns: ``{(key, commercial partner id or False): products}`` for each
            request whose code normalises to a non-empty ``key``: the sellable
            products whose model code — or, for that customer, whose customer
            code (which wins) — has this key. One product is a match, several
            are ambiguous, none is unknown.
        """
        wanted = set()
        for code, partner in requests:
            if key := normalize_model_code(code):
                wanted.add(
                    (key, (partner and partner.commercial_partner_id.id) or False)
                )
        if not wanted:
            return {}
        keys = list({key for key, _partner_id in wanted})
        partner_ids = list({partner_id for _key, partner_id in wanted if partner_id})
        alias_templates = defaultdict(set)
        if partner_ids:
            for alias in self.env["appliance.model.alias"].search_fetch(
                [("partner_id", "in", partner_ids), ("key", "in", keys)],
                ["partner_id", "key", "product_tmpl_id"],
            ):
                alias_templates[(alias.key, alias.partner_id.id)].add(
                    alias.product_tmpl_id.id
                )
        template_ids = list({tid for tids in alias_templates.values() for tid in tids})
        products = self.search_fetch(
            self._appliance_sale_domain(company or self.env.company)
            & Domain(
                "product_tmpl_id",
                "any",
                Domain("appliance_model_key", "in", keys) | Domain("id", "in", template_ids),
            ),
            ["product_tmpl_id", "display_name", "uom_id", "appliance_model_key",
             "appliance_model_code"],
        )  # fmt: skip
        by_template = defaultdict(self.browse)
        by_key = defaultdict(self.browse)
        for product in products:
            by_template[product.product_tmpl_id.id] |= product
            by_key[product.appliance_model_key] |= product
        result = {}
        for key, partner_id in wanted:
            matched = self.browse()
            for template_id in alias_templates.get((key, partner_id), ()):
                matched |= by_template[template_id]
            result[key, partner_id] = matched or by_key[key]
        return result

    @api.model
    def _appliance_match_model_code(self, code, partner=None, company=None):
        """Resolve one typed model code (see ``_appliance_match_model_codes``).

        :returns: ``(products, suggestions)``: the matching products, and when
            nothing matches, up to 5 near-miss products to suggest.
        """
        key = normalize_model_code(code)
        empty = self.browse()
        if not key:
            return empty, empty
        company = company or self.env.company
        partner_id = (partner and partner.commercial_partner_id.id) or False
        products = self._appliance_match_model_codes([(code, partner)], company)[
            key, partner_id
        ]
        if products:
            return products, empty
        return empty, self._appliance_near_misses(
            key, self._appliance_sale_domain(company), company
        )

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
