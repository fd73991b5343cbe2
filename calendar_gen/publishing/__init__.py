"""What a build publishes: feeds, the page, data files, news, the compliance report, the policy
and the email digest."""
