from markupsafe import escape

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

PAGE_SIZE = 20


class ApplianceComplaintPortal(CustomerPortal):
    """Customers submit complaints and feedback, follow their handling and
    confirm the resolution. They only ever see their own company's complaints
    (record rule; token-checked detail page)."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "complaint_count" in counters:
            Complaint = request.env["appliance.complaint"]
            values["complaint_count"] = (
                Complaint.search_count([]) if Complaint.has_access("read") else 0
            )
        return values

    @http.route(
        ["/my/complaints", "/my/complaints/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_complaints(self, page=1, **kw):
        Complaint = request.env["appliance.complaint"]
        if not Complaint.has_access("read"):
            return request.redirect("/my")
        # the portal record rule limits the search to the user's own company
        count = Complaint.search_count([])
        pager = portal_pager(
            url="/my/complaints", total=count, page=page, step=PAGE_SIZE
        )
        complaints = Complaint.search(
            [], order="create_date desc", limit=PAGE_SIZE, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            complaints=complaints,
            pager=pager,
            page_name="appliance_complaint",
            default_url="/my/complaints",
        )
        return request.render("appliance_crm.portal_my_complaints", values)

    @http.route(
        ["/my/complaints/<int:complaint_id>"], type="http", auth="public", website=True
    )
    def portal_complaint_page(self, complaint_id, access_token=None, **kw):
        try:
            complaint_sudo = self._document_check_access(
                "appliance.complaint", complaint_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            complaint_sudo,
            access_token,
            {"complaint": complaint_sudo, "page_name": "appliance_complaint_page"},
            "my_complaints_history",
            False,
            **kw,
        )
        return request.render("appliance_crm.portal_complaint_page", values)

    @http.route(
        ["/my/complaints/<int:complaint_id>/confirm"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_complaint_confirm(self, complaint_id, access_token=None, **kw):
        try:
            complaint_sudo = self._document_check_access(
                "appliance.complaint", complaint_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if complaint_sudo.state == "confirm":
            complaint_sudo._action_customer_confirm()
            complaint_sudo.message_post(
                body=request.env._("The customer confirmed the resolution."),
                author_id=request.env.user.partner_id.id
                if not request.env.user._is_public()
                else False,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        url = complaint_sudo.get_portal_url()
        return request.redirect(url)

    @http.route(
        ["/my/complaints/new"],
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_complaint_new(self, **post):
        user = request.env.user
        if not user._is_portal() and not user._is_internal():
            return request.redirect("/my")
        customer = user.partner_id.commercial_partner_id
        types = request.env["appliance.complaint.type"].search([])
        # the customer's own confirmed orders, read as superuser (portal users may
        # not read every order field), restricted to their company
        orders = (
            request.env["sale.order"]
            .sudo()  # sudo: only the customer's own orders are listed (domain)
            .search(
                [
                    ("partner_id", "child_of", customer.id),
                    ("state", "=", "sale"),
                ],
                order="date_order desc",
                limit=50,
            )
        )
        error = {}
        if request.httprequest.method == "POST":
            subject = (post.get("subject") or "").strip()
            description = (post.get("description") or "").strip()
            complaint_type = types.filtered(
                lambda t: str(t.id) == post.get("type_id", "")
            )
            order = orders.filtered(
                lambda o: str(o.id) == post.get("sale_order_id", "")
            )
            if not subject:
                error["subject"] = request.env._("Give your complaint a subject.")
            if not complaint_type:
                error["type_id"] = request.env._("Choose a type.")
            if post.get("sale_order_id") and not order:
                error["sale_order_id"] = request.env._("Unknown order.")
            if not error:
                product = orders.order_line.product_id.filtered(
                    lambda p: str(p.id) == post.get("product_id", "")
                )[:1]
                complaint = (
                    request.env["appliance.complaint"]
                    .sudo()  # sudo: portal users may not create; customer forced to theirs
                    .create(
                        {
                            "subject": subject,
                            "description": escape(description).replace("\n", "<br/>"),
                            "type_id": complaint_type.id,
                            "partner_id": user.partner_id.id,
                            "sale_order_id": order.id or False,
                            "product_id": product.id or False,
                            "company_id": (
                                order.company_id
                                or customer.company_id
                                or request.env.company
                            ).id,
                            "source": "portal",
                        }
                    )
                )
                return request.redirect(complaint.get_portal_url())
        values = self._prepare_portal_layout_values()
        values.update(
            types=types,
            orders=orders,
            products=orders.order_line.product_id.filtered(
                lambda p: p.appliance_kind == "set"
            ),
            error=error,
            post=post,
            page_name="appliance_complaint_new",
        )
        return request.render("appliance_crm.portal_complaint_new", values)
