from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _appliance_predict_next_purchase(self):
        """Next purchase from the purchase-cycle analysis: last purchase + median
        interval between the customer's purchase days, with the share of regular
        intervals as confidence (see ``appliance.purchase.cycle``). Customers
        with a single purchase day keep appliance_crm's estimate, if any."""
        result = super()._appliance_predict_next_purchase()
        predictions = self.env["appliance.purchase.cycle"]._appliance_predict(self)
        result.update(
            {
                partner_id: {"date": row["date"], "confidence": row["confidence"]}
                for partner_id, row in predictions.items()
            }
        )
        return result
