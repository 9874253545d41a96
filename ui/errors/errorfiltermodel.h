#pragma once

#include <QSortFilterProxyModel>
#include <QTimer>
#include <QUuid>

namespace ServeDeck {

class Clock;

// The error browser's filters over an ErrorListModel: one endpoint or all, one error type or
// all, a time window ending now, and free text (message, endpoint, replica, agent, log tail).
class ErrorFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ErrorFilterModel)

public:
    enum class Range { All, LastHour, LastDay };

    explicit ErrorFilterModel(Clock &clock, QObject *parent = nullptr);

    void setEndpoint(const QUuid &endpointId);  // null: every endpoint
    void setType(const QString &type);          // empty: every type
    void setRange(Range range);
    void setText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    Clock &m_clock;
    QUuid m_endpoint;
    QString m_type;
    Range m_range = Range::All;
    QString m_text;
    QTimer m_slide;
};

} // namespace ServeDeck
