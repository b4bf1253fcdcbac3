// GET /v1/billing/invoices
import Transcriptor

API.run(BillingInvoicesRoute.self)
