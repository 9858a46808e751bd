// keepalived's SMTP alerts: one mail per transition, never slowing the transition.
