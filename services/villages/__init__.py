"""Villages (村/社区): the officer who covers a village (its banquets' guide, its chefs' reminders)
and when a village chef's health certificate is due a reminder — rules banquets and reminders share."""
