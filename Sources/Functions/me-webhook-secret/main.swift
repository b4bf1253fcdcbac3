// POST /v1/me/webhook-secret
import Transcriptor

API.run(RotateWebhookSecretRoute.self)
