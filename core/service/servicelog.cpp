#include "servicelog.h"

Q_LOGGING_CATEGORY(lcService, "servedeck.service")
