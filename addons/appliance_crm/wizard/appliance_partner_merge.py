from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# base.partner.merge.automatic.wizard refuses more than 3 partners per merge
MERGE_CHUNK = 2


class AppliancePartnerMerge(models.TransientModel):
    """Merge customers that are one: orders, invoices, deliveries, messages,
    complaints, follow-ups and band history move to the kept customer.

    Reuses Odoo's ``base.partner.merge.automatic.wizard._merge`` (which rewires
    every foreign key and reference to the merged partners) and records on the
    kept customer what was merged, with the identifiers it had."""

    _name = "appliance.partner.merge"
    _description = "Merge Duplicate Customers"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    dst_partner_id = fields.Many2one(
        "res.partner",
        string="Keep",
        required=True,
        domain="[('id', 'in', partner_ids)]",
        help="The customer that remains; the others are merged into it.",
    )

    @api.model
    def _open_for(self, partners):
        partners = partners.commercial_partner_id
        wizard = self.create(
            {
                "partner_ids": [fields.Command.set(partners.ids)],
                "dst_partner_id": self._preferred(partners).id,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge Customers"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _preferred(self, partners):
        """Keep the customer with the most orders, then the oldest."""
        counts = dict(
            self.env["sale.order"]
            .sudo()  # sudo: counts only, to choose which record to keep
            ._read_group(
                [("partner_id", "child_of", partners.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        totals = dict.fromkeys(partners, 0)
        for partner, count in counts.items():
            totals[partner.commercial_partner_id] = (
                totals.get(partner.commercial_partner_id, 0) + count
            )
        return max(partners, key=lambda p: (totals.get(p, 0), -p.id))

    @api.model
    def _check_merge_access(self):
        if not self.env.su and not self.env.user.has_group(
            "sales_team.group_sale_manager"
        ):
            raise AccessError(self.env._("Only sales managers may merge customers."))

    def action_merge(self):
        self.ensure_one()
        self._check_merge_access()
        dst = self.dst_partner_id
        sources = (self.partner_ids - dst).commercial_partner_id - dst
        if not sources:
            raise UserError(self.env._("Select at least two different customers."))
        self._merge(dst, sources)
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": dst.id,
            "view_mode": "form",
        }

    @api.model
    def _merge(self, dst, sources):
        """Merge ``sources`` into ``dst`` keeping their history; log it on ``dst``."""
        self._check_merge_access()
        dst.check_access("write")
        sources.check_access("write")
        summary = Markup("").join(
            Markup("<li>%s</li>")
            % " · ".join(
                str(v)
                for v in (
                    source.display_name,
                    source.appliance_customer_code,
                    source.phone,
                    source.vat,
                    source.email,
                    source.city,
                )
                if v
            )
            for source in sources
        )
        fill = {
            name: next((s[name] for s in sources if s[name]), False)
            for name in (
                "phone",
                "vat",
                "email",
                "appliance_customer_code",
                "street",
                "city",
            )
            if not dst[name]
        }
        fill = {k: v for k, v in fill.items() if v}
        codes = {
            s.id: s.appliance_customer_code
            for s in sources
            if s.appliance_customer_code
        }
        if codes:
            # the unique customer code moves to the kept customer below
            sources.write({"appliance_customer_code": False})
        Wizard = self.env[
            "base.partner.merge.automatic.wizard"
        ].sudo()  # sudo: access checked above
        remaining = list(sources.ids)
        while remaining:
            chunk, remaining = remaining[:MERGE_CHUNK], remaining[MERGE_CHUNK:]
            # other keys (phone, tax ID, name) already matched: emails may differ
            Wizard._merge([dst.id, *chunk], dst, extra_checks=False)
        if fill:
            dst.write(fill)
        dst.message_post(
            body=Markup("%s<ul>%s</ul>")
            % (self.env._("Merged into this customer (with their history):"), summary),
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
        self.env["res.partner"]._appliance_classify_after_merge(dst)
        return dst
