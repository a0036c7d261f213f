from odoo import api, fields, models
from odoo.exceptions import AccessError

GUARDED_MODEL = "sale.order"


class TierReview(models.Model):
    """Reviews of sales orders are written by server code only.

    Plain OCA lets every internal user create, write and delete reviews, so a
    salesperson could approve his own order by writing ``status``. Here the
    order's methods decide (and check who may) and write the reviews through
    ``sudo()``; any other write of a sales order review is refused, whatever the
    access rights say (they say the same: see tier_review_security.xml)."""

    _inherit = "tier.review"

    appliance_digest = fields.Char(
        string="Approved Content",
        readonly=True,
        copy=False,
        help="Fingerprint of the order's amount, lines, prices, discounts, customer, "
        "payment terms and delivery address when the approval was requested.",
    )
    appliance_reason = fields.Char(
        string="Why",
        readonly=True,
        help="What made the order meet this rule when the approval was requested.",
    )

    def _appliance_check_server_write(self, models=()):
        if self.env.su:
            return
        reviews_sudo = self.sudo()  # sudo: the guard sees every review it protects
        touched = set(models) | set(reviews_sudo.mapped("model"))
        if touched & {GUARDED_MODEL, False, None}:
            raise AccessError(
                self.env._(
                    "Approvals of sales orders are decided with the Approve and Reject "
                    "buttons by their reviewers; they cannot be created, changed or "
                    "deleted directly."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._appliance_check_server_write([vals.get("model") for vals in vals_list])
        return super().create(vals_list)

    def write(self, vals):
        self._appliance_check_server_write([vals["model"]] if "model" in vals else [])
        return super().write(vals)

    def unlink(self):
        self._appliance_check_server_write()
        return super().unlink()

    @api.model
    def _get_reviewer_fields(self):
        return super()._get_reviewer_fields() + [
            "reviewer_group_id.all_implied_by_ids.user_ids",
        ]

    def _get_reviewers(self):
        reviewers = super()._get_reviewers()
        if self.model == GUARDED_MODEL and self.reviewer_group_id:
            # Odoo 19's group.user_ids holds direct members only: a sales manager
            # is an approver through the implied group, and decides too
            reviewers |= self.reviewer_group_id.all_user_ids.filtered(
                lambda user: user.active and not user.share
            )
            if self.definition_id.exclude_requester and self.requested_by:
                reviewers -= self.requested_by
        return reviewers

    def _update_review_status(self):
        # Promoting waiting reviews to pending is bookkeeping of the server, also
        # run from the reviewer's systray: done as superuser, and never deferred by
        # a context key (a client could send it to keep reviewers uninformed).
        reviews = self.sudo().with_context(  # sudo: bookkeeping, see above
            tier_validation_defer_compute_can_review=False
        )
        waiting = reviews.filtered(lambda review: review.status == "waiting")
        result = super(TierReview, reviews)._update_review_status()
        promoted = waiting.filtered(
            lambda review: review.status == "pending" and review.model == GUARDED_MODEL
        )
        if promoted:
            orders = self.env[GUARDED_MODEL].browse(set(promoted.mapped("res_id")))
            orders._appliance_notify_reviewers(promoted)
        return result
