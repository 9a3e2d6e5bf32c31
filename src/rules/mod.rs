//! Prometheus rule files: recording and alerting rules, validation and evaluation over a
//! dataset timeline.
