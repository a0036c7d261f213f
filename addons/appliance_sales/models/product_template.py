import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from ..utils import normalize_model_code

LIKE_OPERATORS = ("ilike", "like", "=ilike", "=like", "=")

# IEC 60529: "IP" + solids digit (0-6 or X) + liquids digit (0-9 or X),
# optionally an additional letter (A-D) and a supplementary letter (H, M, S, W).
IP_CODE_RE = re.compile(r"^IP[0-6X][0-9X][A-D]?[HMSW]?$")

# (field, lower bound exclusive, upper bound inclusive) of each numeric spec
SPEC_RANGES = (
    ("rated_voltage_kv", 0.0, 1100.0),
    ("rated_current_a", 0.0, 20000.0),
    ("breaking_capacity_ka", 0.0, 300.0),
    ("width_mm", 0.0, 20000.0),
    ("depth_mm", 0.0, 20000.0),
    ("height_mm", 0.0, 10000.0),
)


class ProductTemplate(models.Model):
    _inherit = "product.template"

    appliance_kind = fields.Selection(
        [("set", "Complete set"), ("component", "Component")],
        index=True,
        help="Complete sets are assembled cabinets sold as one item; components "
        "are the breakers, meters, busbars... that go into them.",
    )
    appliance_model_code = fields.Char(
        string="Model Code",
        index="trigram",
        tracking=True,
        help="The manufacturer's model designation (型号), e.g. GGD2-38 or KYN28A-12.",
    )
    appliance_model_key = fields.Char(
        string="Model Key",
        compute="_compute_appliance_model_key",
        store=True,
        index=True,
        help="Model code normalised for matching: half-width, upper case, "
        "without spaces or hyphens.",
    )
    appliance_series = fields.Char(
        string="Series",
        index=True,
        help="Product family the model belongs to, e.g. GGD, GCS, KYN28A.",
    )
    appliance_brand_id = fields.Many2one("appliance.brand", string="Brand", index=True)
    rated_voltage_kv = fields.Float(string="Rated Voltage (kV)", digits=(6, 3))
    rated_current_a = fields.Float(string="Rated Current (A)", digits=(8, 1))
    breaking_capacity_ka = fields.Float(
        string="Short-circuit Breaking Capacity (kA)", digits=(6, 1)
    )
    ip_rating = fields.Char(
        string="Protection Class", help="IEC 60529 code, e.g. IP30, IP54."
    )
    enclosure_type = fields.Selection(
        [
            ("fixed", "Fixed"),
            ("drawout", "Draw-out"),
            ("withdrawable", "Withdrawable (truck)"),
            ("ring_main", "Ring main unit"),
            ("wall", "Wall-mounted"),
            ("floor", "Floor-standing"),
            ("outdoor", "Outdoor box"),
            ("prefab", "Prefabricated substation"),
            ("din", "DIN rail"),
        ],
        string="Cabinet / Enclosure Type",
    )
    width_mm = fields.Integer(string="Width (mm)")
    depth_mm = fields.Integer(string="Depth (mm)")
    height_mm = fields.Integer(string="Height (mm)")
    appliance_extra_specs = fields.Text(
        string="Extra Parameters",
        translate=True,
        help="Further parameters, one 'name: value' per line.",
    )
    appliance_component_ids = fields.One2many(
        "appliance.set.component", "set_tmpl_id", string="Components"
    )
    appliance_component_count = fields.Integer(
        compute="_compute_appliance_component_count"
    )
    appliance_alias_ids = fields.One2many(
        "appliance.model.alias", "product_tmpl_id", string="Customer Codes"
    )
    appliance_spec_summary = fields.Char(
        string="Key Specs",
        compute="_compute_appliance_spec_summary",
        help="Model code and key ratings as shown on order lines.",
    )
    appliance_floor_price = fields.Float(
        string="Floor Price",
        digits="Product Price",
        groups="sales_team.group_sale_salesman",
        help="Lowest net unit price (company currency, before taxes) a salesperson may "
        "sell at. Only users allowed to sell below the floor may go under it.",
    )

    _appliance_model_key_company_unique = models.UniqueIndex(
        "(appliance_model_key, COALESCE(company_id, 0))"
        " WHERE appliance_model_key IS NOT NULL AND active",
        "Another active product of this company already has this model code.",
    )

    # ------------------------------------------------------------
    # COMPUTE METHODS
    # ------------------------------------------------------------

    @api.depends("appliance_model_code")
    def _compute_appliance_model_key(self):
        for template in self:
            template.appliance_model_key = normalize_model_code(
                template.appliance_model_code
            )

    @api.depends(
        "appliance_model_code", "rated_voltage_kv", "rated_current_a",
        "breaking_capacity_ka", "ip_rating", "width_mm", "depth_mm", "height_mm",
    )  # fmt: skip
    def _compute_appliance_spec_summary(self):
        for template in self:
            template.appliance_spec_summary = template._appliance_spec_summary()

    def _appliance_spec_summary(self):
        """Model code and key ratings in one line, e.g. 'GGD2-38 · 0.4 kV · 1600 A'."""
        self.ensure_one()
        fmt = "{:g}".format
        parts = [self.appliance_model_code or ""]
        if self.rated_voltage_kv:
            parts.append(f"{fmt(self.rated_voltage_kv)} kV")
        if self.rated_current_a:
            parts.append(f"{fmt(self.rated_current_a)} A")
        if self.breaking_capacity_ka:
            parts.append(f"{fmt(self.breaking_capacity_ka)} kA")
        if self.ip_rating:
            parts.append(self.ip_rating)
        if self.width_mm and self.depth_mm and self.height_mm:
            parts.append(f"{self.width_mm}×{self.depth_mm}×{self.height_mm} mm")
        return " · ".join(p for p in parts if p)

    @api.depends("appliance_component_ids")
    def _compute_appliance_component_count(self):
        for template in self:
            template.appliance_component_count = len(template.appliance_component_ids)

    # ------------------------------------------------------------
    # SEARCH
    # ------------------------------------------------------------

    @api.model
    def _appliance_code_domain(self, key, partner=None, exact=False):
        """Templates whose model code, or ``partner``'s own code for them,
        normalises to ``key`` (``exact``) or starts with it."""
        operator, value = ("=", key) if exact else ("=like", f"{key}%")
        domain = Domain("appliance_model_key", operator, value)
        if partner:
            domain |= Domain(
                "appliance_alias_ids",
                "any",
                [
                    ("partner_id", "=", partner.commercial_partner_id.id),
                    ("key", operator, value),
                ],
            )
        return domain

    @api.model
    def _appliance_code_name_search(
        self, records, name, domain, operator, limit, result
    ):
        """Put the records matching ``name`` as a model code before ``result``.

        Shared by product.template and product.product ``name_search``: with a
        customer in the context (``partner_id``, as on order lines) that
        customer's own codes match too.
        """
        key = operator in LIKE_OPERATORS and normalize_model_code(name)
        if not key:
            return result
        partner = (
            self.env["res.partner"].browse(self.env.context.get("partner_id")).exists()
        )
        code_domain = self._appliance_code_domain(key, partner or None)
        if records._name == "product.product":
            code_domain = Domain("product_tmpl_id", "any", code_domain)
        matched = records.search_fetch(
            Domain(domain or Domain.TRUE) & code_domain,
            ["display_name", "appliance_model_key"],
            limit=limit,
        )
        exact = matched.filtered(lambda r: r.appliance_model_key == key)
        ordered = [(r.id, r.display_name) for r in exact | matched]
        seen = {rid for rid, _name in ordered}
        ordered += [row for row in result if row[0] not in seen]
        return ordered[:limit] if limit else ordered

    @api.model
    def _appliance_widen_display_domain(self, domain, operator, value):
        """``domain`` OR model code contains ``value`` normalised (both product models)."""
        if operator in LIKE_OPERATORS and isinstance(value, str):
            if key := normalize_model_code(value):
                domain = Domain(domain) | Domain(
                    "appliance_model_key", "=like", f"%{key}%"
                )
        return domain

    @api.model
    def _search_display_name(self, operator, value):
        domain = super()._search_display_name(operator, value)
        return self._appliance_widen_display_domain(domain, operator, value)

    @api.model
    def name_search(self, name="", domain=None, operator="ilike", limit=100):
        result = super().name_search(name, domain, operator, limit)
        return self._appliance_code_name_search(
            self, name, domain, operator, limit, result
        )

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("ip_rating")
    def _check_ip_rating(self):
        for template in self:
            if template.ip_rating and not IP_CODE_RE.match(
                template.ip_rating.strip().upper()
            ):
                raise ValidationError(
                    self.env._(
                        "%(product)s: protection class %(code)r is not an IEC 60529 code"
                        " such as IP30, IP54 or IP4X.",
                        product=template.display_name,
                        code=template.ip_rating,
                    )
                )

    @api.constrains(*(spec for spec, _low, _high in SPEC_RANGES))
    def _check_spec_ranges(self):
        for template in self:
            for spec, low, high in SPEC_RANGES:
                value = template[spec]
                if value and not low < value <= high:
                    field = template._fields[spec]
                    raise ValidationError(
                        self.env._(
                            "%(product)s: %(field)s must be greater than %(low)s"
                            " and at most %(high)s (got %(value)s).",
                            product=template.display_name,
                            field=field._description_string(self.env),
                            low=low,
                            high=high,
                            value=value,
                        )
                    )

    @api.constrains("appliance_component_ids")
    def _check_components_not_self(self):
        for template in self:
            if template.appliance_component_ids.product_id.product_tmpl_id & template:
                raise ValidationError(
                    self.env._(
                        "%(product)s cannot be a component of itself.",
                        product=template.display_name,
                    )
                )

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("ip_rating"):
                vals["ip_rating"] = vals["ip_rating"].strip().upper()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("ip_rating"):
            vals["ip_rating"] = vals["ip_rating"].strip().upper()
        return super().write(vals)
