// PATCH /v1/jobs/{id}/speakers
import Transcriptor

API.run(SpeakersRoute.self)
