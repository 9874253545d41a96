#include "recommendation.h"

namespace ServeDeck {

const QStringList &Recommendation::kinds()
{
    static const QStringList kinds{kScheduleFloor, kIdleTimeout, kTargetPerReplica, kFlappingRule};
    return kinds;
}

} // namespace ServeDeck
