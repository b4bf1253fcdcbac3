// GET /v1/billing/plans
import Transcriptor

API.run(BillingPlansRoute.self)
