// GET /v1/billing
import Transcriptor

API.run(BillingRoute.self)
