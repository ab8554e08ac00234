DossierSearchIndex.register("terms-007", {"ora":"%hY9$WcK",
"ora-01555":"%hY9$WcK",
"oracle":"%]lF$m{-",
"p95":"$Vm2",
"performed":"%W_L",
"plus":")X]/",
"pool":")X]/",
"postgresql":")X]/",
"query":"%W_L"});
