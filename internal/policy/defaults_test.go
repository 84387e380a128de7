package policy_test

import (
	"sync"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
)

// defaults is the program configuration of the schema's defaults, read
// once: the vocabulary of the naming rules comes from schema/, not from a
// copy in the tests.
var defaults = sync.OnceValue(func() application.Config {
	c, err := catalog.Default()
	if err != nil {
		panic("load the schema: " + err.Error())
	}
	cfg, err := c.Program(catalog.ProgramFile, nil)
	if err != nil {
		panic("the schema's defaults: " + err.Error())
	}
	return cfg
})
