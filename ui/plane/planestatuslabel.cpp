#include "planestatuslabel.h"

#include <QTimer>

#include "plane/controlclient.h"

namespace ServeDeck {

namespace {
constexpr int kRefreshMs = 2000;
}

PlaneStatusLabel::PlaneStatusLabel(ControlClient &client, QWidget *parent)
    : QLabel(parent)
    , m_client(client)
    , m_timer(new QTimer(this))
{
    hide();
    m_timer->setInterval(kRefreshMs);
    connect(m_timer, &QTimer::timeout, this, &PlaneStatusLabel::refresh);
    m_timer->start();
    refresh();
}

QString PlaneStatusLabel::textFor(const QJsonObject &report)
{
    const qint64 epoch = report.value(QStringLiteral("epoch")).toInteger();
    const QString leader = report.value(QStringLiteral("leader_name")).toString();
    QString text;
    if (report.value(QStringLiteral("role")).toString() == u"leader")
        text = tr("Leader: %1 · epoch %2").arg(report.value(QStringLiteral("node_name")).toString()).arg(epoch);
    else if (leader.isEmpty())
        return tr("Following: no leader yet");
    else
        text = tr("Following %1 · epoch %2").arg(leader).arg(epoch);
    // The lease's age: a leader whose renewals stall shows it here before anyone takes over.
    const qint64 age = report.value(QStringLiteral("lease_age_ms")).toInteger(-1);
    if (age >= 0)
        text += tr(" · lease renewed %1 s ago").arg(double(age) / 1000.0, 0, 'f', 1);
    return text;
}

void PlaneStatusLabel::refresh()
{
    m_client.call(
        this, [](ControlPlane &plane) { return plane.planeReport(); },
        [this](const QJsonObject &report) {
            // A console of its own leads itself: nothing to say.
            const bool shared = report.value(QStringLiteral("shared")).toBool();
            setVisible(shared);
            if (!shared)
                return;
            setText(textFor(report));
            setToolTip(tr("Database: %1").arg(report.value(QStringLiteral("database")).toString()));
        });
}

} // namespace ServeDeck
