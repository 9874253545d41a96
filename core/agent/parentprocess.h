#pragma once

#include <QtGlobal>

namespace ServeDeck {

// The parent of a process, from /proc/PID/stat; 0 when it is gone or cannot be read.
qint64 parentProcessId(qint64 pid);

} // namespace ServeDeck
