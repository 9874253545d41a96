#include "endpointselector.h"

#include <algorithm>

#include <QAbstractItemModel>

#include "ui/endpoints/endpointlistmodel.h"

namespace ServeDeck {

EndpointSelector::EndpointSelector(QAbstractItemModel &endpoints, Scope scope, QWidget *parent)
    : QComboBox(parent)
    , m_endpoints(endpoints)
    , m_scope(scope)
{
    setSizeAdjustPolicy(QComboBox::AdjustToContents);
    setMinimumContentsLength(16);
    connect(&m_endpoints, &QAbstractItemModel::rowsInserted, this, &EndpointSelector::rebuild);
    connect(&m_endpoints, &QAbstractItemModel::rowsRemoved, this, &EndpointSelector::rebuild);
    connect(&m_endpoints, &QAbstractItemModel::modelReset, this, &EndpointSelector::rebuild);
    // Status changes arrive as dataChanged too; rebuild() returns early unless a name changed.
    // Changes that start right of the name (the load figures, every sample) cannot rename.
    connect(&m_endpoints, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &from) {
        if (from.column() <= EndpointListModel::Name)
            rebuild();
    });
    connect(this, &QComboBox::currentIndexChanged, this, [this](int index) {
        const QUuid id = index < 0 ? QUuid() : itemData(index).toUuid();
        if (id == m_current)
            return;
        m_current = id;
        Q_EMIT currentEndpointChanged(id);
    });
    rebuild();
}

QUuid EndpointSelector::currentEndpoint() const
{
    return m_current;
}

void EndpointSelector::setCurrentEndpoint(const QUuid &id)
{
    const int index = findData(id);
    if (index >= 0)
        setCurrentIndex(index);
}

void EndpointSelector::rebuild()
{
    QList<std::pair<QString, QUuid>> wanted;
    for (int row = 0; row < m_endpoints.rowCount(); ++row) {
        const QModelIndex index = m_endpoints.index(row, EndpointListModel::Name);
        wanted.append({index.data().toString(), index.data(EndpointListModel::EndpointIdRole).toUuid()});
    }
    std::sort(wanted.begin(), wanted.end());
    if (m_scope == Scope::AllOrOne)
        wanted.prepend({tr("All endpoints"), QUuid()});

    QList<std::pair<QString, QUuid>> shown;
    for (int i = 0; i < count(); ++i)
        shown.append({itemText(i), itemData(i).toUuid()});
    if (shown == wanted)
        return;

    const QUuid keep = m_current;
    {
        const QSignalBlocker quiet(this);
        clear();
        for (const auto &[name, id] : wanted)
            addItem(name, id);
        const int index = findData(keep);
        setCurrentIndex(index >= 0 ? index : (count() > 0 ? 0 : -1));
    }
    const QUuid now = currentIndex() < 0 ? QUuid() : itemData(currentIndex()).toUuid();
    if (now != m_current) {
        m_current = now;
        Q_EMIT currentEndpointChanged(now);
    }
}

} // namespace ServeDeck
