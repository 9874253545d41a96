#include "cgroupmemorylimit.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace ServeDeck {

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeText(const QString &path, const QByteArray &text)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    return file.write(text) == text.size() && file.flush();
}

void setWhy(QString *why, const QString &text)
{
    if (why)
        *why = text;
}

} // namespace

std::optional<QString> CgroupMemoryLimit::delegatedBase(const Hierarchy &hierarchy, QString *why)
{
    if (!QFileInfo::exists(hierarchy.root + QStringLiteral("/cgroup.controllers"))) {
        setWhy(why, QStringLiteral("no cgroup v2 hierarchy at %1").arg(hierarchy.root));
        return std::nullopt;
    }
    const QByteArray self = hierarchy.procSelfCgroup.isEmpty() ? readAll(QStringLiteral("/proc/self/cgroup"))
                                                               : hierarchy.procSelfCgroup.toUtf8();
    // The unified hierarchy's line is "0::/path".
    static const QRegularExpression unified(QStringLiteral("^0::(/\\S*)$"), QRegularExpression::MultilineOption);
    const auto m = unified.match(QString::fromUtf8(self));
    if (!m.hasMatch()) {
        setWhy(why, QStringLiteral("this process is not in a cgroup v2 hierarchy"));
        return std::nullopt;
    }
    const QString base = QDir::cleanPath(hierarchy.root + m.captured(1));
    // Leaves can only get the memory controller when the agent's cgroup hands it down; the
    // agent does not move itself around to arrange that (systemd's Delegate= does it for the unit).
    const QByteArray subtree = readAll(base + QStringLiteral("/cgroup.subtree_control"));
    if (!subtree.simplified().split(' ').contains(QByteArrayLiteral("memory"))) {
        setWhy(why, QStringLiteral("the memory controller is not delegated to %1").arg(base));
        return std::nullopt;
    }
    if (!QFileInfo(base).isWritable()) {
        setWhy(why, QStringLiteral("%1 is not writable").arg(base));
        return std::nullopt;
    }
    return base;
}

std::unique_ptr<CgroupMemoryLimit> CgroupMemoryLimit::create(const QString &base, const QString &name, qint64 bytes,
                                                             QString *why)
{
    const QString path = base + u'/' + name;
    if (!QDir().mkpath(path)) {
        setWhy(why, QStringLiteral("cannot create %1").arg(path));
        return nullptr;
    }
    std::unique_ptr<CgroupMemoryLimit> limit(new CgroupMemoryLimit(path));
    if (!writeText(path + QStringLiteral("/memory.max"), QByteArray::number(bytes))) {
        setWhy(why, QStringLiteral("cannot set %1/memory.max").arg(path));
        return nullptr;
    }
    // Without this the kernel would swap instead of enforcing the limit; not every kernel has swap
    // accounting, so a missing file is fine.
    if (QFileInfo::exists(path + QStringLiteral("/memory.swap.max")))
        writeText(path + QStringLiteral("/memory.swap.max"), QByteArrayLiteral("0"));
    return limit;
}

CgroupMemoryLimit::CgroupMemoryLimit(QString path)
    : m_path(std::move(path))
    , m_procsPath(QFile::encodeName(m_path + QStringLiteral("/cgroup.procs")))
{
}

CgroupMemoryLimit::~CgroupMemoryLimit()
{
    QDir().rmdir(m_path);
}

int CgroupMemoryLimit::oomKills() const
{
    static const QRegularExpression re(QStringLiteral("^oom_kill (\\d+)$"), QRegularExpression::MultilineOption);
    const auto m = re.match(QString::fromLatin1(readAll(m_path + QStringLiteral("/memory.events"))));
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

} // namespace ServeDeck
