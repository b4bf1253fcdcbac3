// POST /v1/billing/subscription/resume
import Transcriptor

API.run(BillingResumeRoute.self)
