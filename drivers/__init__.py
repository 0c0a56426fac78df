"""Everything that touches the outside world, behind app.dispatch.driver.Driver."""
