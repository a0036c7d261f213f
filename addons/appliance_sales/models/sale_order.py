from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("commitment_date")
    def _check_commitment_date_not_past(self):
        today = fields.Date.context_today(self)
        for order in self:
            if (
                order.state in ("draft", "sent")
                and order.commitment_date
                and fields.Date.context_today(self, order.commitment_date) < today
            ):
                raise ValidationError(
                    self.env._(
                        "%(order)s: the requested delivery date %(date)s is in the past.",
                        order=order.name,
                        date=fields.Date.to_string(
                            fields.Date.context_today(self, order.commitment_date)
                        ),
                    )
                )

    def _appliance_order_entry_problems(self):
        """Problems that keep this order from being confirmed, as translated texts."""
        self.ensure_one()
        problems = []
        if not self.order_line._appliance_lines():
            return problems
        customer = self.partner_id
        phone = customer.phone or customer.commercial_partner_id.phone
        if not phone:
            problems.append(
                self.env._("Customer %s has no phone number.", customer.display_name)
            )
        elif problem := customer._appliance_phone_problem(phone):
            problems.append(problem)
        shipping = self.partner_shipping_id
        missing = [
            label
            for field, label in (
                ("street", self.env._("street")),
                ("city", self.env._("city")),
                ("country_id", self.env._("country")),
            )
            if not shipping[field]
        ]
        if shipping.country_id.code == "CN" and not shipping.state_id:
            missing.append(self.env._("province"))
        if missing:
            problems.append(
                self.env._(
                    "Delivery address of %(partner)s is incomplete: %(missing)s missing.",
                    partner=shipping.display_name,
                    missing=", ".join(missing),
                )
            )
        return problems

    # ------------------------------------------------------------
    # ACTION METHODS
    # ------------------------------------------------------------

    def action_confirm(self):
        # sale_stock lets warehouse staff write sale orders (for procurement
        # fields), which in plain Odoo also lets them confirm quotations. Only the
        # sales roles may commit the company to a sale; trusted flows (portal
        # signature/payment, crons) run as superuser and are not affected.
        if not self.env.su and not self.env.user.has_group(
            "sales_team.group_sale_salesman"
        ):
            raise AccessError(
                self.env._(
                    "Only salespeople and sales managers may confirm sales orders."
                )
            )
        problems = [
            f"{order.name}: {problem}"
            for order in self
            for problem in order._appliance_order_entry_problems()
        ]
        if problems:
            raise ValidationError("\n".join(problems))
        return super().action_confirm()
