import re
import unicodedata

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# IEC 60529: "IP" + solids digit (0-6 or X) + liquids digit (0-9 or X),
# optionally an additional letter (A-D) and a supplementary letter (H, M, S, W).
IP_CODE_RE = re.compile(r"^IP[0-6X][0-9X][A-D]?[HMSW]?$")
_MODEL_KEY_STRIP_RE = re.compile(r"[\s\-_/.·]+")

# (field, lower bound exclusive, upper bound inclusive) of each numeric spec
SPEC_RANGES = (
    ("rated_voltage_kv", 0.0, 1100.0),
    ("rated_current_a", 0.0, 20000.0),
    ("breaking_capacity_ka", 0.0, 300.0),
    ("width_mm", 0.0, 20000.0),
    ("depth_mm", 0.0, 20000.0),
    ("height_mm", 0.0, 10000.0),
)


def normalize_model_code(code):
    """Return the matching key of a model code.

    Full-width characters become half-width (NFKC), letters upper case, and
    spaces, hyphens, underscores, slashes and dots disappear, so that
    ``ggd2-38``, ``GGD2 38`` and ``ＧＧＤ２－３８`` share the key ``GGD238``.
    """
    if not code:
        return False
    key = unicodedata.normalize("NFKC", code).upper()
    return _MODEL_KEY_STRIP_RE.sub("", key) or False


class ProductTemplate(models.Model):
    _inherit = "product.template"

    appliance_kind = fields.Selection(
        [("set", "Complete set"), ("component", "Component")],
        string="Appliance Kind",
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
    ip_rating = fields.Char(string="Protection Class", help="IEC 60529 code, e.g. IP30, IP54.")
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
    appliance_component_count = fields.Integer(compute="_compute_appliance_component_count")

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
            template.appliance_model_key = normalize_model_code(template.appliance_model_code)

    @api.depends("appliance_component_ids")
    def _compute_appliance_component_count(self):
        for template in self:
            template.appliance_component_count = len(template.appliance_component_ids)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("ip_rating")
    def _check_ip_rating(self):
        for template in self:
            if template.ip_rating and not IP_CODE_RE.match(template.ip_rating.strip().upper()):
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
                    self.env._("%(product)s cannot be a component of itself.",
                               product=template.display_name)
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
