#include "productversion.h"

#include <QtGlobal>

namespace ServeDeck {

QString productVersion()
{
    return QStringLiteral(SERVEDECK_VERSION);
}

QString productVersionLine()
{
    // The Qt the binary runs on, which can differ from the one it was built with.
    return QStringLiteral("servedeck %1 (Qt %2)").arg(productVersion(), QString::fromLatin1(qVersion()));
}

} // namespace ServeDeck
