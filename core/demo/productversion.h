#pragma once

#include <QString>

namespace ServeDeck {

// The project's version from CMake ("0.1.0").
QString productVersion();
// What `servedeck --version` prints: "servedeck 0.1.0 (Qt 6.4.2)".
QString productVersionLine();

} // namespace ServeDeck
