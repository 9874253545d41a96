#include "planelog.h"

Q_LOGGING_CATEGORY(lcPlane, "servedeck.plane")
