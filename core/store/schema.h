#pragma once

#include <vector>

#include <QStringList>

namespace ServeDeck {

// Migration N is schemaMigrations()[N-1]; each runs in one transaction. Append, never edit.
const std::vector<QStringList> &schemaMigrations();

} // namespace ServeDeck
