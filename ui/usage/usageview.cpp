#include "usageview.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSaveFile>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include "plane/controlclient.h"
#include "service/modelservingservice.h"
#include "ui/common/endpointselector.h"
#include "ui/common/errorlabel.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/usage/usagecostmodel.h"
#include "ui/usage/recommendationpanel.h"
#include "ui/usage/usageheatmap.h"

namespace ServeDeck {

namespace {

// A price spin box at its minimum says "none": no price.
constexpr double kNoPrice = -1;

QDoubleSpinBox *priceEdit(const QString &objectName, QWidget *parent)
{
    auto *edit = new QDoubleSpinBox(parent);
    edit->setObjectName(objectName);
    edit->setRange(kNoPrice, UsagePrices::kMaxPrice);
    edit->setDecimals(4);
    edit->setSingleStep(0.1);
    edit->setSpecialValueText(UsageView::tr("none"));
    edit->setValue(kNoPrice);
    return edit;
}

std::optional<double> priceOf(const QDoubleSpinBox *edit)
{
    return edit->value() == kNoPrice ? std::nullopt : std::optional<double>(edit->value());
}

} // namespace

UsageView::UsageView(ControlClient &client, EndpointListModel &endpoints, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
{
    setObjectName(QStringLiteral("usageView"));
    m_endpoint = new EndpointSelector(endpoints, EndpointSelector::Scope::OneEndpoint, this);
    m_since = new QComboBox(this);
    m_since->setObjectName(QStringLiteral("usageSince"));
    m_since->addItem(tr("Last 24 hours"), 24 * 3600);
    m_since->addItem(tr("Last 7 days"), 7 * 24 * 3600);
    m_since->addItem(tr("Last 30 days"), 30 * 24 * 3600);
    m_since->addItem(tr("Last 90 days"), 90 * 24 * 3600);
    m_since->setCurrentIndex(1);
    m_refresh = new QPushButton(tr("Refresh"), this);
    m_export = new QPushButton(tr("Export CSV…"), this);
    m_export->setObjectName(QStringLiteral("usageExport"));
    m_export->setEnabled(false);
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Endpoint:"), this));
    top->addWidget(m_endpoint, 1);
    top->addWidget(m_since);
    top->addWidget(m_refresh);
    top->addWidget(m_export);
    m_error = new ErrorLabel(QStringLiteral("usageError"), this);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("usageSummary"));
    m_summary->setWordWrap(true);

    // Heat map.
    auto *heatPage = new QWidget(this);
    m_measure = new QComboBox(heatPage);
    m_measure->setObjectName(QStringLiteral("usageMeasure"));
    m_measure->addItem(tr("Requests per second"), int(UsageHeatMap::Measure::RequestsPerSecond));
    m_measure->addItem(tr("Replicas"), int(UsageHeatMap::Measure::Replicas));
    m_heatMap = new UsageHeatMap(heatPage);
    auto *heatRow = new QHBoxLayout;
    heatRow->addWidget(new QLabel(tr("Show:"), heatPage));
    heatRow->addWidget(m_measure);
    heatRow->addStretch(1);
    auto *heatLayout = new QVBoxLayout(heatPage);
    heatLayout->addLayout(heatRow);
    heatLayout->addWidget(m_heatMap, 1);

    // Cost.
    auto *costPage = new QWidget(this);
    m_cpuPrice = priceEdit(QStringLiteral("usageCpuPrice"), costPage);
    m_gpuPrice = priceEdit(QStringLiteral("usageGpuPrice"), costPage);
    m_currency = new QLineEdit(costPage);
    m_currency->setObjectName(QStringLiteral("usageCurrency"));
    m_currency->setMaxLength(3);
    m_currency->setPlaceholderText(tr("EUR"));
    m_applyPrices = new QPushButton(tr("Apply prices"), costPage);
    m_applyPrices->setObjectName(QStringLiteral("usageApplyPrices"));
    m_priceError = new ErrorLabel(QStringLiteral("usagePriceError"), costPage);
    auto *prices = new QHBoxLayout;
    prices->addWidget(new QLabel(tr("Per CPU-hour:"), costPage));
    prices->addWidget(m_cpuPrice);
    prices->addWidget(new QLabel(tr("Per GPU-hour:"), costPage));
    prices->addWidget(m_gpuPrice);
    prices->addWidget(new QLabel(tr("Currency:"), costPage));
    prices->addWidget(m_currency);
    prices->addWidget(m_applyPrices);
    prices->addStretch(1);
    m_costModel = new UsageCostModel(this);
    m_costTable = new QTableView(costPage);
    m_costTable->setObjectName(QStringLiteral("usageCostTable"));
    m_costTable->setModel(m_costModel);
    m_costTable->verticalHeader()->hide();
    m_costTable->horizontalHeader()->setStretchLastSection(true);
    m_costTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto *costLayout = new QVBoxLayout(costPage);
    costLayout->addLayout(prices);
    costLayout->addWidget(m_priceError);
    costLayout->addWidget(m_costTable, 1);

    m_sections = new QTabWidget(this);
    m_sections->setObjectName(QStringLiteral("usageSections"));
    m_sections->addTab(heatPage, tr("Heat map"));
    m_sections->addTab(costPage, tr("Cost"));
    // Recommendations replay the autoscaler over the history: asked for only while their tab shows.
    m_recommendations = new RecommendationPanel(&m_client, m_sections);
    m_sections->addTab(m_recommendations, tr("Recommendations"));

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_error);
    layout->addWidget(m_summary);
    layout->addWidget(m_sections, 1);

    m_reload = new QTimer(this);
    m_reload->setInterval(kReloadMs);
    connect(m_reload, &QTimer::timeout, this, [this] {
        if (isVisible())
            reload();
    });
    m_reload->start();
    connect(m_endpoint, &EndpointSelector::currentEndpointChanged, this, &UsageView::reload);
    connect(m_endpoint, &EndpointSelector::currentEndpointChanged, this, &UsageView::showRecommendations);
    connect(m_sections, &QTabWidget::currentChanged, this, &UsageView::showRecommendations);
    connect(m_since, &QComboBox::currentIndexChanged, this, &UsageView::reload);
    connect(m_refresh, &QPushButton::clicked, this, &UsageView::reload);
    connect(m_measure, &QComboBox::currentIndexChanged, this, &UsageView::showHeatMap);
    connect(m_applyPrices, &QPushButton::clicked, this, &UsageView::applyPrices);
    connect(m_export, &QPushButton::clicked, this, &UsageView::chooseExportFile);
    loadPrices();
    reload();
}

void UsageView::showRecommendations()
{
    const QUuid id = m_endpoint->currentEndpoint();
    if (m_sections->currentWidget() != m_recommendations || id == m_recommendationsFor)
        return;
    m_recommendationsFor = id;
    m_recommendations->setEndpoint(id);
}

void UsageView::reload()
{
    const quint64 request = ++m_request;
    const QUuid id = m_endpoint->currentEndpoint();
    if (id.isNull()) {
        m_report.reset();
        showReport();
        return;
    }
    const QDateTime since = QDateTime::currentDateTimeUtc().addSecs(-m_since->currentData().toLongLong());
    m_client.call(
        this,
        [id, since](ModelServingService &service) { return service.usage(id.toString(QUuid::WithoutBraces), since); },
        [this, request](const Result<UsageReport> &report) {
            if (request != m_request)
                return;
            if (!report) {
                m_error->showProblem(report.error().message);
                m_report.reset();
            } else {
                m_error->showProblem({});
                m_report = *report;
            }
            showReport();
            Q_EMIT reportLoaded();
        });
}

void UsageView::showReport()
{
    m_export->setEnabled(m_report.has_value());
    if (!m_report) {
        m_summary->clear();
        m_costModel->setReport(UsageReport());
        m_heatMap->setValues(m_heatMap->measure(), {});
        return;
    }
    const UsageReport &r = *m_report;
    m_summary->setText(tr("%1 replica-hours, %2 requests since %3. Heat map: the mean by hour of the week over the "
                          "last %4 × 7 days, in %5.")
                           .arg(QLocale().toString(r.total.replicaHours, 'f', 2),
                                QLocale().toString(r.total.requests.value_or(0)),
                                QLocale().toString(r.since.toLocalTime(), QLocale::ShortFormat), QString::number(r.weeks),
                                r.timeZone));
    m_costModel->setReport(r);
    m_costTable->resizeColumnsToContents();
    showHeatMap();
}

void UsageView::showHeatMap()
{
    const auto measure = UsageHeatMap::Measure(m_measure->currentData().toInt());
    if (!m_report) {
        m_heatMap->setValues(measure, {});
        return;
    }
    m_heatMap->setValues(measure, measure == UsageHeatMap::Measure::RequestsPerSecond ? m_report->requestsPerSecondByHour
                                                                                     : m_report->replicasByHour);
}

void UsageView::loadPrices()
{
    m_client.call(
        this, [](ModelServingService &service) { return service.usagePrices(); },
        [this](const Result<UsagePrices> &prices) {
            if (!prices) {
                m_priceError->showProblem(prices.error().message);
                return;
            }
            m_cpuPrice->setValue(prices->cpuHour.value_or(kNoPrice));
            m_gpuPrice->setValue(prices->gpuHour.value_or(kNoPrice));
            m_currency->setText(prices->currency);
        });
}

void UsageView::applyPrices()
{
    UsagePrices prices;
    prices.cpuHour = priceOf(m_cpuPrice);
    prices.gpuHour = priceOf(m_gpuPrice);
    prices.currency = m_currency->text().trimmed();
    m_applyPrices->setEnabled(false);
    m_client.call(
        this, [prices](ModelServingService &service) { return service.setUsagePrices(prices); },
        [this](const Result<UsagePrices> &saved) {
            m_applyPrices->setEnabled(true);
            if (!saved) {
                m_priceError->showProblem(saved.error().message);
                return;
            }
            m_priceError->showProblem({});
            Q_EMIT pricesApplied();
            reload();
        });
}

Result<Done> UsageView::exportCsv(const QString &path) const
{
    if (!m_report)
        return makeError(ErrorType::NotFound, tr("no report to export"));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_report->toCsv()) < 0 || !file.commit())
        return makeError(ErrorType::StorageError, tr("cannot write %1: %2").arg(path, file.errorString()));
    return Done{};
}

void UsageView::chooseExportFile()
{
    if (!m_report)
        return;
    const QString suggested = tr("usage-%1.csv").arg(m_report->endpointName);
    const QString path = QFileDialog::getSaveFileName(this, tr("Export usage"), suggested, tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    if (auto written = exportCsv(path); !written)
        m_error->showProblem(written.error().message);
}

} // namespace ServeDeck
