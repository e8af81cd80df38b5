"""The callcentre kind: the 呼叫中心业务 增值电信业务经营许可证 application (data in templates/callcentre/)."""
