// DELETE /v1/billing/subscription
import Transcriptor

API.run(BillingCancelRoute.self)
