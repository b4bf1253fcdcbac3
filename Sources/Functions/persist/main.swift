// The persist stage: segments/ → the transcript, the job done, usage, the webhook.
import Runtime
import Transcriptor

Lambda.run { try PersistFunction() }
