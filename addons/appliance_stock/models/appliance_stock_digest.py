from odoo import api, fields, models
from odoo.fields import Domain


class ApplianceStockMonitor(models.Model):
    _inherit = "appliance.stock.monitor"

    # ------------------------------------------------------------
    # BUSINESS: daily digest for purchasing
    # ------------------------------------------------------------

    @api.model
    def _cron_send_safety_digest(self):
        self._send_safety_digest()

    @api.model
    def _safety_digest_domain(self):
        """Rows below their safety stock (available < safety stock)."""
        return Domain("safety_stock_qty", ">", 0) & Domain("status", "!=", "ok")

    @api.model
    def _send_safety_digest(self):
        """Queue one e-mail per company and language listing the products below
        safety stock, for the purchasing users of the company, the products'
        responsibles and the company's alert user. Nothing is sent when no
        product is short. Returns the queued ``mail.mail`` records."""
        rows = self.search(
            self._safety_digest_domain(), order="company_id, status_rank, product_id"
        )
        mails = self.env["mail.mail"]
        if not rows:
            return mails
        purchase_users = self.env.ref("purchase.group_purchase_user").all_user_ids
        template = "appliance_stock.stock_digest_mail_body"
        vals_list = []
        for company, company_rows in rows.grouped("company_id").items():
            responsibles = company_rows.product_id.with_company(company).responsible_id
            users = (
                purchase_users.filtered(
                    lambda user, company=company: (
                        company in user.company_ids and not user.share
                    )
                )
                | responsibles
                | company.appliance_stock_alert_user_id
            ).filtered("active")
            partners = users.partner_id.filtered("email")
            for lang, lang_partners in partners.grouped("lang").items():
                env = self.with_context(lang=lang or "en_US").env
                body = env["ir.qweb"]._render(
                    template,
                    {
                        "company": company,
                        "rows": company_rows.with_env(env),
                        "date": fields.Date.context_today(self),
                    },
                )
                vals_list.append(
                    {
                        "subject": env._(
                            "%(company)s: %(count)s products below safety stock",
                            company=company.name,
                            count=len(company_rows.product_id),
                        ),
                        "body_html": body,
                        "email_from": company.email_formatted
                        or self.env.user.email_formatted,
                        "recipient_ids": [fields.Command.set(lang_partners.ids)],
                        "auto_delete": True,
                    }
                )
        # the mail queue sends them: nothing leaves if the transaction rolls back
        return mails.create(vals_list)
