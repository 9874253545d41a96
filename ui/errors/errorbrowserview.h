#pragma once

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableView;

namespace ServeDeck {

class Clock;
class EndpointListModel;
class EndpointSelector;
class ErrorFilterModel;
class ErrorListModel;
class ControlClient;

// What went wrong, live: every endpoint's errors filtered by endpoint, type, time and text,
// with the selected error's exit status and log tail, and a confirmed "Clear errors".
class ErrorBrowserView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ErrorBrowserView)

public:
    ErrorBrowserView(ControlClient &client, EndpointListModel &endpoints, Clock &clock,
                     QWidget *parent = nullptr);
    ~ErrorBrowserView() override;

    ErrorListModel *errorModel() const { return m_model; }
    ErrorFilterModel *filterModel() const { return m_filter; }
    QTableView *table() const { return m_table; }
    EndpointSelector *endpointSelector() const { return m_endpoint; }
    QComboBox *typeFilter() const { return m_type; }
    QComboBox *rangeFilter() const { return m_range; }
    QLineEdit *searchField() const { return m_search; }
    QPlainTextEdit *logTail() const { return m_log; }
    QAction *clearAction() const { return m_clear; }

    // Asks first; clears the selected endpoint's errors, or every endpoint's. The action is off
    // until the answer comes (clearAnswered).
    void clearErrors();

Q_SIGNALS:
    void clearAnswered(bool ok);

private:
    void showCleared(const QStringList &failures);
    void showDetail();
    void updateCount();

    ControlClient &m_client;
    ErrorListModel *m_model;
    ErrorFilterModel *m_filter;
    EndpointSelector *m_endpoint;
    QComboBox *m_type;
    QComboBox *m_range;
    QLineEdit *m_search;
    QLabel *m_count;
    QTableView *m_table;
    QLabel *m_detailTitle;
    QLabel *m_time;
    QLabel *m_where;
    QLabel *m_agent;
    QLabel *m_exit;
    QLabel *m_message;
    QPlainTextEdit *m_log;
    QAction *m_clear;
    QLabel *m_clearResult;
};

} // namespace ServeDeck
