#!/usr/bin/env python3
"""Fills Korean translations into servedeck_ko.ts for the strings listed here.

Run after `cmake --build <dir> --target servedeck_lupdate`; unknown strings stay unfinished
so Qt Linguist shows them to a translator.
"""
import re
import sys
from pathlib import Path

KO = {
    "ServeDeck": "ServeDeck",
    "%1 of %2 replicas healthy": "레플리카 %2개 중 %1개 정상",
    "Name": "이름",
    "Version": "버전",
    "Status": "상태",
    "Desired": "목표",
    "Healthy": "정상",
    "URL": "URL",
    "Search endpoints": "엔드포인트 검색",
    "off": "꺼짐",
    "Data: %1": "데이터: %1",
    "API %1 · Proxy %2": "API %1 · 프록시 %2",
    # Main window, navigation and shortcuts
    "Endpoints": "엔드포인트",
    "Errors": "오류",
    "Errors (%1)": "오류 (%1)",
    "Tokens": "토큰",
    "Autoscaling": "오토스케일링",
    "&Endpoint": "엔드포인트(&E)",
    "&View": "보기(&V)",
    "New…": "새로 만들기…",
    "Deploy a new endpoint (%1)": "새 엔드포인트 배포 (%1)",
    "Scale…": "스케일…",
    "Set the selected endpoint's replicas": "선택한 엔드포인트의 레플리카 수 설정",
    "Delete…": "삭제…",
    "Delete the selected endpoint (Del)": "선택한 엔드포인트 삭제 (Del)",
    "Find": "찾기",
    "Quit": "종료",
    "Delete endpoint": "엔드포인트 삭제",
    "Delete %1? Its replicas stop and its URL stops answering. This cannot be undone.":
        "%1을(를) 삭제할까요? 레플리카가 중지되고 URL이 더 이상 응답하지 않습니다. 되돌릴 수 없습니다.",
    "Delete": "삭제",
    "Cancel": "취소",
    "Endpoint": "엔드포인트",
    "All endpoints": "모든 엔드포인트",
    # Scale dialog
    "Scale": "스케일",
    "Scale %1": "%1 스케일",
    "Desired replicas": "목표 레플리카",
    "Now %1; 0 scales the endpoint to zero.": "현재 %1개. 0이면 엔드포인트를 0으로 축소합니다.",
    # Durations and exit statuses
    "%1 d": "%1일",
    "%1 h": "%1시간",
    "%1 min": "%1분",
    "%1 s": "%1초",
    "exit %1": "종료 코드 %1",
    # Error browser
    "Clear errors…": "오류 지우기…",
    "Clear errors": "오류 지우기",
    "All types": "모든 유형",
    "Any time": "전체 기간",
    "Last hour": "최근 1시간",
    "Last day": "최근 1일",
    "Search messages and logs": "메시지와 로그 검색",
    "Clear the shown endpoint's errors; its retry counter resets so scaling resumes":
        "표시된 엔드포인트의 오류를 지웁니다. 재시도 횟수가 초기화되어 스케일링이 재개됩니다",
    "Time": "시각",
    "Where": "위치",
    "Agent": "에이전트",
    "Exit": "종료",
    "Message": "메시지",
    "Type": "유형",
    "Replica": "레플리카",
    "Route %1": "라우트 %1",
    "No log output was captured.": "수집된 로그 출력이 없습니다.",
    "Log tail": "로그 끝부분",
    "%1 of %2": "%2개 중 %1개",
    "Select an error to see its exit status and log tail.": "오류를 선택하면 종료 상태와 로그 끝부분을 볼 수 있습니다.",
    "%1 on %2": "%2의 %1",
    "replica %1": "레플리카 %1",
    "route %1": "라우트 %1",
    "the endpoint": "엔드포인트 전체",
    "none": "없음",
    "none recorded": "기록 없음",
    "Clear the errors of every endpoint?": "모든 엔드포인트의 오류를 지울까요?",
    "Clear every error of %1?": "%1의 오류를 모두 지울까요?",
    "Their retry counters reset, so scaling starts replicas again.":
        "재시도 횟수가 초기화되어 스케일링이 레플리카를 다시 시작합니다.",
    # Tokens
    "Token": "토큰",
    "Scope": "범위",
    "Issued": "발급",
    "Expires": "만료",
    "Allowed IPs": "허용 IP",
    "State": "상태",
    "active": "유효",
    "expired": "만료됨",
    "revoked": "폐기됨",
    "Revoked %1": "%1에 폐기됨",
    "never": "만료 없음",
    "any address": "모든 주소",
    "Generate token": "토큰 생성",
    "Copy": "복사",
    "Export…": "내보내기…",
    "Revoke…": "폐기…",
    "Revoke": "폐기",
    "Inference": "추론",
    "Send inference requests to the endpoint": "엔드포인트에 추론 요청 보내기",
    "Read-only": "읽기 전용",
    "Read the endpoint's status and metrics": "엔드포인트 상태와 메트릭 읽기",
    "Admin": "관리자",
    "Everything, including changes to the endpoint": "엔드포인트 변경을 포함한 모든 작업",
    "seconds": "초",
    "minutes": "분",
    "hours": "시간",
    "days": "일",
    "never expires": "만료 없음",
    "any address; or e.g. 10.0.0.0/8, 192.168.1.5": "모든 주소, 또는 예: 10.0.0.0/8, 192.168.1.5",
    "The new token appears here, once: it is not stored, so copy or export it.":
        "새 토큰은 여기에 한 번만 표시됩니다. 저장되지 않으니 복사하거나 내보내세요.",
    "Expires after": "만료 기간",
    "New token": "새 토큰",
    "Issued tokens": "발급된 토큰",
    "Issued token %1, valid until %2.": "토큰 %1을(를) 발급했습니다. %2까지 유효합니다.",
    "Issued token %1; it never expires.": "토큰 %1을(를) 발급했습니다. 만료되지 않습니다.",
    "Copied to the clipboard.": "클립보드에 복사했습니다.",
    "Export token": "토큰 내보내기",
    "Written to %1 (readable by you only).": "%1에 저장했습니다 (본인만 읽을 수 있음).",
    "Revoke token": "토큰 폐기",
    "Revoke token %1? Requests that carry it are refused from now on.":
        "토큰 %1을(를) 폐기할까요? 이후 이 토큰을 사용하는 요청은 거부됩니다.",
    # Autoscaling: rule form, rule list, scale events
    "A metric name starts with a letter or _ and holds letters, digits, _, : or .":
        "메트릭 이름은 영문자나 _로 시작하고 영문자, 숫자, _, :, . 만 쓸 수 있습니다.",
    "The step must not be 0: positive scales out, negative scales in.":
        "단계 크기는 0일 수 없습니다. 양수는 스케일 아웃, 음수는 스케일 인입니다.",
    "The target per replica must be greater than 0.": "레플리카당 목표값은 0보다 커야 합니다.",
    "Max replicas must be at least 1.": "최대 레플리카는 1 이상이어야 합니다.",
    "Min replicas (%1) is more than max replicas (%2).": "최소 레플리카(%1)가 최대 레플리카(%2)보다 큽니다.",
    "Delays and cooldown must not be negative.": "지연 시간과 쿨다운은 음수일 수 없습니다.",
    "Step by": "단계 크기",
    "Target per replica": "레플리카당 목표",
    "Where the metric comes from: the replica's kernel (CPU, memory, GPU), the model server, the proxy in front of it, or a custom exporter":
        "메트릭 출처: 레플리카의 커널(CPU, 메모리, GPU), 모델 서버, 앞단 프록시 또는 사용자 정의 수집기",
    "Positive scales out, negative scales in": "양수는 스케일 아웃, 음수는 스케일 인",
    "Replicas become ceil(metric / target)": "레플리카 수 = ceil(메트릭 / 목표)",
    "How long the condition must hold before scaling out": "스케일 아웃 전에 조건이 유지되어야 하는 시간",
    "How long the condition must hold before scaling in": "스케일 인 전에 조건이 유지되어야 하는 시간",
    "How long to wait after any change before the next": "변경 후 다음 변경까지 기다리는 시간",
    "Source": "출처",
    "Metric": "메트릭",
    "When": "조건",
    "Then": "동작",
    "Min replicas": "최소 레플리카",
    "Max replicas": "최대 레플리카",
    "Scale-out delay": "스케일 아웃 지연",
    "Scale-in delay": "스케일 인 지연",
    "Cooldown": "쿨다운",
    "<metric>": "<메트릭>",
    "Scale to ceil(%1 / %2) replicas when %3 (out after %4 s, in after %5 s)":
        "%3일 때 레플리카를 ceil(%1 / %2)개로 조정 (아웃은 %4초, 인은 %5초 후)",
    "Scale out by %1 when %2 for %3 s": "%2 상태가 %3초 지속되면 %1개 스케일 아웃",
    "Scale in by %1 when %2 for %3 s": "%2 상태가 %3초 지속되면 %1개 스케일 인",
    "Keeps %1 to %2 replicas and waits %3 s after any change.": "레플리카를 %1~%2개로 유지하고, 변경 후 %3초 기다립니다.",
    "New rule": "새 규칙",
    "Edit rule %1": "규칙 %1 편집",
    "Create rule": "규칙 만들기",
    "Save rule": "규칙 저장",
    "ConflictingRules: this rule conflicts with rule %1, “%2”.": "ConflictingRules: 이 규칙은 기존 규칙 %1(“%2”)과 충돌합니다.",
    "Delete rule…": "규칙 삭제…",
    "Delete rule": "규칙 삭제",
    "Delete the rule “%1”? The endpoint keeps its current replicas.":
        "규칙 “%1”을(를) 삭제할까요? 엔드포인트는 현재 레플리카 수를 유지합니다.",
    "Rules": "규칙",
    "Rule": "규칙",
    "Rule %1": "규칙 %1",
    "Rule %1 (%2)": "규칙 %1 (%2)",
    "rule %1 (deleted)": "규칙 %1 (삭제됨)",
    "%1–%2": "%1–%2",
    "%1 / %2": "%1 / %2",
    "Out / in delay": "아웃 / 인 지연",
    "Scale events": "스케일 이벤트",
    "▲ %1 up · ▼ %2 down (last %3 events)": "▲ 증가 %1 · ▼ 감소 %2 (최근 이벤트 %3개)",
    "▲ UP": "▲ 증가",
    "▼ DOWN": "▼ 감소",
    "operator": "운영자",
    "Direction": "방향",
    "Cause": "원인",
    "Metric value": "메트릭 값",
    "Reason": "사유",
    "Replicas": "레플리카",
    # Create endpoint dialog
    "New endpoint": "새 엔드포인트",
    "Browse…": "찾아보기…",
    "Public: anyone who reaches the proxy may call it, no token needed":
        "공개: 프록시에 접근할 수 있으면 누구나 토큰 없이 호출할 수 있습니다",
    "Check": "검사",
    "Deploy": "배포",
    "lower-case letters, digits and '-', e.g. sentiment-analyzer": "영문 소문자, 숫자, '-' (예: sentiment-analyzer)",
    "e.g. v1": "예: v1",
    "a folder, or the name of one under the model roots (iris-v1)": "폴더 경로, 또는 모델 루트 아래 폴더 이름 (iris-v1)",
    " cores": " 코어",
    " GPUs": " GPU",
    "CPU": "CPU",
    "Memory": "메모리",
    "GPU": "GPU",
    "Model version": "모델 버전",
    "Model folder": "모델 폴더",
    "Per replica": "레플리카당",
    "Total": "합계",
    "Available": "가용",
    "Resource estimate": "리소스 예상치",
    "Check the endpoint before deploying it: the check finds every problem and estimates the resources it takes.":
        "배포하기 전에 검사하세요. 검사는 모든 문제를 찾고 필요한 리소스를 추정합니다.",
    "No problems found. Replicas to start: %1.": "문제가 없습니다. 시작할 레플리카: %1개.",
    "Model %1 from %2.": "%2의 모델 %1.",
    "Fix these problems before deploying:": "배포하기 전에 다음 문제를 해결하세요:",
    "The endpoint was not created:": "엔드포인트를 만들지 못했습니다:",
    # Dashboard: load columns
    "Req/s": "요청/초",
    "p95": "p95",
    "Error rate": "오류율",
    "Activity": "추이",
    "%1 ms": "%1 ms",
    "%1 %": "%1 %",
    "Requests per second, last %1 samples": "초당 요청 수, 최근 샘플 %1개",
    "Requests per second over the last sample interval": "최근 샘플 구간의 초당 요청 수",
    "95th percentile latency over the last sample interval": "최근 샘플 구간의 95번째 백분위 지연 시간",
    "Share of requests that failed over the last sample interval": "최근 샘플 구간에서 실패한 요청의 비율",
}

def unescape(s):
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")

def escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

path = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("servedeck_ko.ts"))
text = path.read_text(encoding="utf-8")

def fill(match):
    source = unescape(match.group(1))
    if source not in KO:
        return match.group(0)
    return f"<source>{match.group(1)}</source>\n        <translation>{escape(KO[source])}</translation>"

# [^<]* keeps a match inside one message (sources and translations are escaped, so hold no '<');
# an unfinished translation may carry lupdate's guess from the same text in another context.
text = re.sub(r"<source>([^<]*)</source>\s*<translation type=\"unfinished\">[^<]*</translation>", fill, text)
path.write_text(text, encoding="utf-8")
