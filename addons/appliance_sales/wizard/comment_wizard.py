from odoo import models
from odoo.exceptions import AccessError


class CommentWizard(models.TransientModel):
    """OCA's comment wizard is reachable over RPC with any reviews and any
    record: for sales orders it decides only what the current user may decide."""

    _inherit = "comment.wizard"

    def add_comment(self):
        self.ensure_one()
        if self.res_model != "sale.order":
            return super().add_comment()
        order = self.env["sale.order"].browse(self.res_id).exists()
        order.check_access("read")
        decidable = order._appliance_decidable_reviews() if order else order
        if not self.review_ids or self.review_ids - decidable:
            raise AccessError(
                self.env._("You may only decide the reviews waiting for you.")
            )
        if self.validate_reject == "reject":
            order._appliance_reject(self.comment)
            return {"type": "ir.actions.act_window_close"}
        if withdrawn := order._appliance_withdraw_if_changed():
            return withdrawn
        reviews_sudo = self.review_ids.sudo()  # sudo: reviewer checked above
        reviews_sudo.write({"comment": self.comment})
        order._validate_tier(self.review_ids)
        return order._appliance_after_approval()
