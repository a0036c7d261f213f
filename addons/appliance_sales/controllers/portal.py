from odoo.addons.sale.controllers.portal import CustomerPortal


class ApplianceSalePortal(CustomerPortal):
    """Adds the fulfilment timeline and the shipments (carrier, waybill,
    tracking link, who signed for it) to the customer's order page.

    Odoo's ``portal_order_page`` checks access first (login or access token,
    through ``_document_check_access``); these values are only computed for the
    order it returns, so nothing here is reachable without that check."""

    def _get_page_view_values(
        self, document, access_token, values, session_history, no_breadcrumbs, **kwargs
    ):
        values = super()._get_page_view_values(
            document, access_token, values, session_history, no_breadcrumbs, **kwargs
        )
        if document._name == "sale.order" and document.state == "sale":
            values.update(self._appliance_tracking_values(document))
        return values

    def _appliance_tracking_values(self, order_sudo):
        """Timeline and shipments of ``order_sudo`` (the record returned by
        ``_document_check_access``, already sudo). Proof-of-delivery images and
        the staff's names stay out: the template shows signer and date only."""
        shipments = order_sudo.picking_ids.filtered(
            lambda p: p.state != "cancel" and p._appliance_is_customer_shipment()
        ).sorted(lambda p: (p.date_done or p.scheduled_date, p.id))
        return {
            "appliance_events": order_sudo.appliance_milestone_ids.sorted(
                lambda e: (e.date, e.id)
            ),
            "appliance_shipments": shipments,
        }
