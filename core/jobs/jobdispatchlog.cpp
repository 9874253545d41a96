#include "jobdispatchlog.h"

Q_LOGGING_CATEGORY(lcJobDispatch, "servedeck.jobs.dispatch")
