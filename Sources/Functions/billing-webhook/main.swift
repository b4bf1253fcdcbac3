// POST /v1/billing/webhook
import Transcriptor

API.run(BillingWebhookRoute.self)
