from odoo import api, fields, models
from odoo.exceptions import UserError


class ApplianceOrderImport(models.TransientModel):
    """Orders imported from another channel carry that channel."""

    _inherit = "appliance.order.import"

    appliance_channel_id = fields.Many2one(
        "appliance.sales.channel",
        string="Sales Channel",
        help="Channel of the imported quotations; empty: each customer's usual channel"
        " (or direct sales).",
    )

    @api.model
    def import_orders(
        self, file_content_base64, filename, dry_run=False, channel_code=False
    ):
        """As in appliance_sales, plus ``channel_code`` (e.g. ``online_shop``): the
        sales channel of the created quotations."""
        if channel_code:
            channel = self.env["appliance.sales.channel"]._appliance_find(channel_code)
            if not channel:
                raise UserError(self.env._("Unknown channel code %s.", channel_code))
            # on a new wizard record holding the channel (a context key would be
            # the client's to set)
            return super(
                ApplianceOrderImport, self.new({"appliance_channel_id": channel.id})
            ).import_orders(file_content_base64, filename, dry_run=dry_run)
        return super().import_orders(file_content_base64, filename, dry_run=dry_run)

    def _prepare_order_vals(self, order, batch):
        vals = super()._prepare_order_vals(order, batch)
        channel_id = self[:1].appliance_channel_id.id
        if channel_id:
            vals["appliance_channel_id"] = channel_id
        return vals
