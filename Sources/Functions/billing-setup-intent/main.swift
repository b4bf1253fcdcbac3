// POST /v1/billing/setup-intent
import Transcriptor

API.run(BillingSetupIntentRoute.self)
