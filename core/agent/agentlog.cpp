#include "agentlog.h"

Q_LOGGING_CATEGORY(lcAgent, "servedeck.agent")
