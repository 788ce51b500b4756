"""Dashboard KPIs and series, reports and report exports (framework-free)."""
