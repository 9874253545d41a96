#pragma once

#include <memory>
#include <optional>

#include <QString>

namespace ServeDeck {

// A memory limit the kernel enforces: one cgroup v2 leaf per replica under the agent's own
// cgroup, where that subtree is delegated to us (writable, memory controller available).
// Elsewhere (cgroup v1, a read-only hierarchy) open() says why and the agent's RSS watchdog
// does the job instead.
class CgroupMemoryLimit
{
public:
    // root: the cgroup v2 mount; procSelfCgroup: the text of /proc/self/cgroup. Both injectable
    // so the path logic is testable on a machine without cgroup v2.
    struct Hierarchy
    {
        QString root = QStringLiteral("/sys/fs/cgroup");
        QString procSelfCgroup;  // empty: read /proc/self/cgroup
    };

    // The agent's delegated cgroup, or why there is none.
    static std::optional<QString> delegatedBase(const Hierarchy &hierarchy, QString *why = nullptr);

    // Creates the leaf `name` under base with memory.max = bytes (and no swap, so the limit bites).
    static std::unique_ptr<CgroupMemoryLimit> create(const QString &base, const QString &name, qint64 bytes,
                                                     QString *why = nullptr);
    ~CgroupMemoryLimit();  // removes the leaf (the kernel refuses while a process is still in it)

    // Path of cgroup.procs: a child writes "0" there before exec to join the leaf.
    QByteArray procsPath() const { return m_procsPath; }
    // memory.events' oom_kill counter: > 0 once the kernel's OOM killer ended a process here.
    int oomKills() const;

private:
    explicit CgroupMemoryLimit(QString path);
    QString m_path;
    QByteArray m_procsPath;
};

} // namespace ServeDeck
