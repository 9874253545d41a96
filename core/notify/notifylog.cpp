#include "notifylog.h"

Q_LOGGING_CATEGORY(lcNotify, "servedeck.notify")
