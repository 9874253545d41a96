#pragma once

#include <optional>

#include <QUuid>
#include <QWidget>

#include "domain/result.h"
#include "usage/usagereport.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QTimer;

namespace ServeDeck {

class ControlClient;
class EndpointListModel;
class EndpointSelector;
class ErrorLabel;
class UsageCostModel;
class RecommendationPanel;
class UsageHeatMap;

// The Usage view: an endpoint's usage report over 24 h to 90 d, loaded through the control
// client. Its sections are a heat map by hour of the week (requests/s or replicas) and the cost
// per revision with the prices (editable); Export CSV writes the report as the REST route does.
class UsageView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsageView)

public:
    // Samples are written once a minute: a fresher report than that has nothing new.
    static constexpr int kReloadMs = 60 * 1000;

    UsageView(ControlClient &client, EndpointListModel &endpoints, QWidget *parent = nullptr);

    QTabWidget *sections() const { return m_sections; }
    EndpointSelector *endpointSelector() const { return m_endpoint; }
    QComboBox *sinceSelector() const { return m_since; }
    QComboBox *measureSelector() const { return m_measure; }
    UsageHeatMap *heatMap() const { return m_heatMap; }
    UsageCostModel *costModel() const { return m_costModel; }
    QDoubleSpinBox *cpuPriceEdit() const { return m_cpuPrice; }
    QDoubleSpinBox *gpuPriceEdit() const { return m_gpuPrice; }
    QLineEdit *currencyEdit() const { return m_currency; }
    QPushButton *applyPricesButton() const { return m_applyPrices; }
    QPushButton *exportButton() const { return m_export; }
    ErrorLabel *errorLabel() const { return m_error; }
    ErrorLabel *priceErrorLabel() const { return m_priceError; }
    RecommendationPanel *recommendationPanel() const { return m_recommendations; }
    const std::optional<UsageReport> &report() const { return m_report; }

    // Asks for the selected endpoint's report again.
    void reload();
    // Writes the report shown as CSV to path (a few KB, written at once).
    Result<Done> exportCsv(const QString &path) const;

Q_SIGNALS:
    void reportLoaded();
    void pricesApplied();

private:
    void showReport();
    void showHeatMap();
    void showRecommendations();
    void loadPrices();
    void applyPrices();
    void chooseExportFile();

    ControlClient &m_client;
    EndpointSelector *m_endpoint = nullptr;
    QComboBox *m_since = nullptr;
    QPushButton *m_refresh = nullptr;
    QPushButton *m_export = nullptr;
    ErrorLabel *m_error = nullptr;
    QLabel *m_summary = nullptr;
    QTabWidget *m_sections = nullptr;
    RecommendationPanel *m_recommendations = nullptr;
    QUuid m_recommendationsFor;  // the endpoint the panel last asked about
    QComboBox *m_measure = nullptr;
    UsageHeatMap *m_heatMap = nullptr;
    QDoubleSpinBox *m_cpuPrice = nullptr;
    QDoubleSpinBox *m_gpuPrice = nullptr;
    QLineEdit *m_currency = nullptr;
    QPushButton *m_applyPrices = nullptr;
    ErrorLabel *m_priceError = nullptr;
    QTableView *m_costTable = nullptr;
    UsageCostModel *m_costModel = nullptr;
    QTimer *m_reload = nullptr;
    std::optional<UsageReport> m_report;
    quint64 m_request = 0;  // the newest reload's number: an older answer is dropped
};

} // namespace ServeDeck
