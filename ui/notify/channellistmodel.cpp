#include "channellistmodel.h"

#include "ui/common/displayformat.h"

namespace ServeDeck {

namespace {

QString targetOf(const NotificationChannel &c)
{
    switch (c.kind) {
    case ChannelKind::Desktop:
        return ChannelListModel::tr("this console");
    case ChannelKind::Webhook:
        // The URL without its user info: a token in it is as secret as the signing secret.
        return c.url.toDisplayString(QUrl::RemoveUserInfo);
    case ChannelKind::Command:
        return c.argv.join(u' ');
    }
    return {};
}

} // namespace

ChannelListModel::ChannelListModel(QObject *parent)
    : KeyedTableModel(parent)
{
}

void ChannelListModel::setChannels(const QList<NotificationChannel> &channels)
{
    merge(channels, [](const NotificationChannel &a, const NotificationChannel &b) {
        return a.name == b.name && a.kind == b.kind && a.url == b.url && a.argv == b.argv
            && a.eventKinds == b.eventKinds && a.quietPeriodSeconds == b.quietPeriodSeconds && a.enabled == b.enabled
            && a.minSeverity == b.minSeverity && a.endpointId == b.endpointId && a.hasSecret == b.hasSecret;
    });
}

int ChannelListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ChannelListModel::kindText(ChannelKind kind)
{
    switch (kind) {
    case ChannelKind::Desktop:
        return tr("Desktop");
    case ChannelKind::Webhook:
        return tr("Webhook");
    case ChannelKind::Command:
        return tr("Command");
    }
    return {};
}

QString ChannelListModel::severityText(NotificationSeverity severity)
{
    switch (severity) {
    case NotificationSeverity::Info:
        return tr("Info");
    case NotificationSeverity::Warning:
        return tr("Warning");
    case NotificationSeverity::Critical:
        return tr("Critical");
    }
    return {};
}

QVariant ChannelListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const NotificationChannel &c = m_rows.at(index.row());
    if (role == IdRole)
        return c.id;
    const bool display = role == Qt::DisplayRole || role == SortRole;
    switch (Column(index.column())) {
    case Name:
        if (display)
            return c.name;
        if (role == Qt::ToolTipRole)
            return c.id;
        break;
    case Kind:
        if (display)
            return kindText(c.kind);
        break;
    case Target:
        if (display)
            return targetOf(c);
        if (role == Qt::ToolTipRole && c.kind == ChannelKind::Webhook)
            return c.hasSecret ? tr("Signed with its secret (HMAC-SHA256)") : tr("Not signed");
        break;
    case Events:
        if (display) {
            const QString events = c.eventKinds.isEmpty() ? tr("All events") : c.eventKinds.join(QStringLiteral(", "));
            return tr("%1, %2 and above").arg(events, severityText(c.minSeverity));
        }
        break;
    case QuietPeriod:
        if (role == SortRole)
            return c.quietPeriodSeconds;
        if (role == Qt::DisplayRole)
            return c.quietPeriodSeconds == 0 ? tr("none") : DisplayFormat::duration(c.quietPeriodSeconds);
        break;
    case Enabled:
        if (role == SortRole)
            return c.enabled;
        if (role == Qt::DisplayRole)
            return c.enabled ? tr("Yes") : tr("No");
        break;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ChannelListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Name:
        return tr("Name");
    case Kind:
        return tr("Kind");
    case Target:
        return tr("Target");
    case Events:
        return tr("Events");
    case QuietPeriod:
        return tr("Quiet period");
    case Enabled:
        return tr("Enabled");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ServeDeck
