#include "tokenlistmodel.h"

#include <QBrush>
#include <QColor>
#include <QSet>

#include "ui/common/displayformat.h"
#include "ui/common/theme.h"
#include "domain/clock.h"

namespace ServeDeck {

namespace {

enum class TokenState { Active, Expired, Revoked };

TokenState stateOf(const TokenGrant &g, const QDateTime &now)
{
    if (g.revokedAt)
        return TokenState::Revoked;
    if (g.expiresAt && *g.expiresAt <= now)
        return TokenState::Expired;
    return TokenState::Active;
}

bool sameGrant(const TokenGrant &a, const TokenGrant &b)
{
    return a.id == b.id && a.scope == b.scope && a.expiresAt == b.expiresAt && a.allowedIps == b.allowedIps
        && a.createdAt == b.createdAt && a.revokedAt == b.revokedAt;
}

} // namespace

TokenListModel::TokenListModel(ControlClient &client, Clock &clock, QObject *parent)
    : KeyedTableModel(parent)
    , m_client(client)
    , m_clock(clock)
{
    connect(&m_client, &ControlClient::tokensChanged, this, &TokenListModel::changed);
}

void TokenListModel::setEndpoint(const QUuid &endpointId)
{
    if (endpointId == m_endpoint)
        return;
    m_endpoint = endpointId;
    // The old endpoint's rows go at once: nothing can be revoked or deleted under the new
    // endpoint's name before its own list is in.
    resetRows({});
    if (m_endpoint.isNull())
        return;
    m_client.call(
        this, [ref = endpointId.toString(QUuid::WithoutBraces)](ModelServingService &s) { return s.listTokens(ref); },
        [this, endpointId](Result<QList<TokenGrant>> grants) {
            // Another endpoint was chosen while this list was on its way.
            if (endpointId != m_endpoint)
                return;
            resetRows(grants ? *grants : QList<TokenGrant>());
            Q_EMIT loaded();
        });
}

void TokenListModel::changed(const QUuid &endpointId)
{
    if (endpointId == m_endpoint)
        refresh();
}

void TokenListModel::refresh()
{
    if (m_endpoint.isNull())
        return;
    const QUuid endpointId = m_endpoint;
    m_client.call(
        this, [ref = endpointId.toString(QUuid::WithoutBraces)](ModelServingService &s) { return s.listTokens(ref); },
        [this, endpointId](Result<QList<TokenGrant>> grants) {
            if (endpointId != m_endpoint)
                return;
            // The endpoint is gone: so are its tokens.
            merge(grants ? *grants : QList<TokenGrant>(), sameGrant);
            Q_EMIT loaded();
        });
}

int TokenListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TokenListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TokenGrant &g = m_rows.at(index.row());
    const TokenState state = stateOf(g, m_clock.now());
    switch (role) {
    case TokenIdRole:
        return g.id;
    case RevokedRole:
        return g.revokedAt.has_value();
    case Qt::ForegroundRole:
        if (state != TokenState::Active)
            return QBrush(Theme::color(Theme::Role::Muted));
        return index.column() == State ? QBrush(Theme::color(Theme::Role::Success)) : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == Id)
            return g.id;
        if (index.column() == State && g.revokedAt)
            return tr("Revoked %1").arg(DisplayFormat::time(*g.revokedAt));
        return {};
    case Qt::DisplayRole:
    case SortRole:
        break;
    default:
        return {};
    }
    switch (Column(index.column())) {
    case Id:
        return role == SortRole ? g.id : DisplayFormat::shortId(g.id);
    case Scope:
        return g.scope;
    case Created:
        return role == SortRole ? QVariant(g.createdAt) : QVariant(DisplayFormat::time(g.createdAt));
    case Expires:
        if (role == SortRole)
            return g.expiresAt ? QVariant(*g.expiresAt) : QVariant(QDateTime::fromSecsSinceEpoch(253402300799));
        return g.expiresAt ? DisplayFormat::time(*g.expiresAt) : tr("never");
    case AllowedIps:
        return g.allowedIps.isEmpty() ? tr("any address") : g.allowedIps.join(QStringLiteral(", "));
    case State:
        if (role == SortRole)
            return int(state);
        switch (state) {
        case TokenState::Active:
            return tr("active");
        case TokenState::Expired:
            return tr("expired");
        case TokenState::Revoked:
            return tr("revoked");
        }
        return {};
    case ColumnCount:
        break;
    }
    return {};
}

QVariant TokenListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Id:
        return tr("Token");
    case Scope:
        return tr("Scope");
    case Created:
        return tr("Issued");
    case Expires:
        return tr("Expires");
    case AllowedIps:
        return tr("Allowed IPs");
    case State:
        return tr("State");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ServeDeck
