// POST /v1/billing/subscription
import Transcriptor

API.run(BillingSubscribeRoute.self)
