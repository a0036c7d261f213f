from odoo import fields, models


class ApplianceSetComponent(models.Model):
    """One component line of a complete set (成套设备的元器件清单).

    A plain list rather than an mrp kit: a set is sold and delivered as one
    assembled cabinet, so its components must not explode into delivery moves.
    """

    _name = "appliance.set.component"
    _description = "Complete Set Component"
    _order = "set_tmpl_id, sequence, id"
    _check_company_auto = True

    set_tmpl_id = fields.Many2one(
        "product.template",
        string="Set",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        string="Component",
        required=True,
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    quantity = fields.Float(default=1.0, digits="Product Unit", required=True)
    uom_id = fields.Many2one(related="product_id.uom_id")
    company_id = fields.Many2one(related="set_tmpl_id.company_id", store=True)

    _quantity_positive = models.Constraint(
        "CHECK(quantity > 0)",
        "A component quantity must be greater than zero.",
    )
