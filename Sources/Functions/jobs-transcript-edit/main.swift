// PATCH /v1/jobs/{id}/transcript
import Transcriptor

API.run(EditTranscriptRoute.self)
